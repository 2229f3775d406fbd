"""`autoclf benchmark --students`: a student distilled after each autoclf run, scored and timed beside its teacher."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_benchmark import _mirror

from autoclf.evaluation.result import Status
from autoclf.tools.benchmark import report, students
from autoclf.tools.benchmark.frameworks import parse_frameworks
from autoclf.tools.benchmark.runner import BenchmarkConfig, _pending, result_path


def test_only_autoclf_teachers_distil_and_their_time_limit_grows(tmp_path):
    autoclf, hgb, student_variant = parse_frameworks("autoclf,hgb,autoclf_student")
    config = BenchmarkConfig(out=tmp_path, frameworks=[autoclf, hgb], budgets=[60.0], students="auto",
                             student_time_s=40.0)
    assert config.distils(autoclf) and not config.distils(hgb) and not config.distils(student_variant)
    assert config.time_limit(60.0, autoclf) == config.time_limit(60.0) + 40 * 1.25 + config.slack_s
    assert config.time_limit(60.0, hgb) == config.time_limit(60.0)
    assert not BenchmarkConfig(out=tmp_path, frameworks=[autoclf], budgets=[60.0]).distils(autoclf)


def test_a_run_recorded_without_its_student_runs_again(tmp_path):
    autoclf, hgb = parse_frameworks("autoclf,hgb")
    config = BenchmarkConfig(out=tmp_path, frameworks=[autoclf, hgb], budgets=[60.0], students="auto")
    for framework in (autoclf, hgb):
        path = result_path(tmp_path, "t", framework, 60.0, 0, 0)
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"failed": False}))  # recorded by a benchmark without --students
    assert [run[2].name for run in _pending("t", config)] == ["autoclf"]
    path = result_path(tmp_path, "t", autoclf, 60.0, 0, 0)
    path.write_text(json.dumps({"failed": False, "student_status": "crashed"}))  # has its (failed) student
    assert _pending("t", config) == []


def test_the_student_is_scored_against_the_labels_the_parent_kept(tmp_path):
    labels = ["a", "b", "c"]
    y_test = np.array(["a", "b", "c", "a", "b", "c"])
    teacher = np.array([[.8, .1, .1], [.1, .8, .1], [.1, .1, .8]] * 2)
    np.save(tmp_path / "student.npy", np.array([[.2, .7, .1], [.7, .2, .1], [.1, .2, .7]] * 2))  # columns b, a, c
    worker = {"status": "success", "classes": ["b", "a", "c"], "distill_s": 12.0, "teacher_predict_s": 0.5,
              "student_predict_s": 0.02, "family": "mlp", "params": {"width": 32}, "validation_score_ratio": 0.98}
    teacher_score = -np.log(0.8)  # the teacher's log loss: 0.8 on every true class
    fields = students.record_fields(worker, teacher, tmp_path / "student.npy", y_test, labels, "logloss",
                                    teacher_score)
    assert set(fields) == set(students.EMPTY)
    assert fields["student_status"] == "success" and fields["speedup"] == pytest.approx(25.0)
    assert fields["student_score"] == pytest.approx(-np.log(0.7))  # realigned: 0.7 on every true class
    assert fields["score_ratio"] == pytest.approx(teacher_score / -np.log(0.7))  # teacher loss / student loss
    assert fields["student_accuracy"] == 1.0 and fields["auc_ratio"] == pytest.approx(1.0)
    assert fields["student_family"] == "mlp {'width': 32}"
    failed = students.record_fields({"status": "crashed", "error": "ValueError: no"}, teacher,
                                    tmp_path / "none.npy", y_test, labels, "logloss", teacher_score)
    assert failed["student_status"] == "crashed" and np.isnan(failed["speedup"])
    assert students.record_fields(None, teacher, tmp_path / "student.npy", y_test, labels, "auc", 0.9) == {}


def _results_with_students() -> pd.DataFrame:
    rows = []
    for task, metric, teacher, student, seconds, status in [
            ("t1", "auc", 0.90, 0.895, (0.4, 0.01), "success"),
            ("t2", "logloss", 0.30, 0.33, (0.6, 0.1), "success"),
            ("t3", "auc", 0.80, 0.80, (0.2, 0.04), "success"),
            ("t4", "auc", 0.70, np.nan, (np.nan, np.nan), "timeout")]:
        rows.append({"task": task, "framework": "autoclf", "budget": 60.0, "fold": 0, "seed": 0, "metric": metric,
                     "score": teacher, "student_status": status, "student_error": "" if status == "success" else "x",
                     "student_score": student, "teacher_predict_s": seconds[0], "student_predict_s": seconds[1],
                     "speedup": seconds[0] / seconds[1], "score_ratio": (student / teacher if metric == "auc" else
                                                                         teacher / student),
                     "auc_ratio": 0.995, "student_family": "tree {}", "distill_s": 30.0, "load_average": 1.5})
    return pd.DataFrame(rows)


def test_the_summary_has_the_distillation_table_and_its_medians():
    lines = students.summary_lines(_results_with_students())
    text = "\n".join(lines)
    assert "## Distilled students" in text and "### autoclf, budget 60 s" in text
    # successful students t1 (40x, 0.9944), t2 (6x, 0.9091), t3 (5x, 1.0): medians 6x and 0.9944, 2 of 3 >= 0.99
    assert "3 of 4 tasks with a student: median speed-up 6.0x, median score ratio 0.9944" in text
    assert "share with score ratio >= 0.99: 0.67" in text
    assert "load average (1 min, at the runs' ends) median 1.50" in text
    assert "- t4: student timeout - x" in text
    assert students.summary_lines(_results_with_students().drop(columns="student_status")) == []


def test_the_benchmark_cli_checks_students(tmp_path, capsys):
    from autoclf.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["benchmark", "--suite", "quick", "--students", "xgboost", "--out", str(tmp_path / "unused")])
    assert stopped.value.code == 2
    assert "--students xgboost: use auto or one of hist_gb, mlp, tree, logistic" in capsys.readouterr().err
    assert not (tmp_path / "unused").exists()  # refused before anything ran


@pytest.mark.slow
def test_autoclf_benchmark_with_students_end_to_end(tmp_path):
    """A tiny run: two vendored-size tasks, autoclf (2 trials) with students and hgb without; results.csv and
    summary.md carry the students, timed alike, and a resume repeats nothing."""
    from autoclf.cli import main

    _mirror(tmp_path / "mirror")
    out = tmp_path / "bench"
    argv = ["benchmark", "--suite", str(tmp_path / "mirror"), "--frameworks", "autoclf[n_trials=2],hgb",
            "--students", "auto", "--student-time", "6", "--time-left", "30", "--no-pin", "--out", str(out)]
    main(argv)
    results = pd.read_csv(out / "results.csv")
    teachers, baselines = results[results["framework"] == "autoclf[n_trials=2]"], results[results["framework"] == "hgb"]
    assert len(teachers) == 2 and len(baselines) == 2
    assert baselines["student_status"].isna().all()  # a baseline has no student
    assert (teachers["status"] == Status.SUCCESS).all() and (teachers["student_status"] == Status.SUCCESS).all()
    assert (teachers["teacher_predict_s"] > 0).all() and (teachers["student_predict_s"] > 0).all()
    assert np.allclose(teachers["speedup"], teachers["teacher_predict_s"] / teachers["student_predict_s"])
    assert teachers["student_score"].notna().all() and (teachers["score_ratio"] > 0.5).all()
    assert teachers["student_family"].str.split().str[0].isin(["hist_gb", "mlp", "tree", "logistic"]).all()
    summary = (out / "summary.md").read_text()
    assert "## Distilled students" in summary and "2 of 2 tasks with a student" in summary
    done = {path: path.stat().st_mtime for path in (out / "runs").rglob("*.json")}
    main(argv)  # resumes: every run has its student, none is repeated
    assert {path: path.stat().st_mtime for path in (out / "runs").rglob("*.json")} == done
    assert report.summary_markdown(results).count("## Distilled students") == 1
