"""``autoclf info MODEL``: what a saved model holds, without any data: its columns and their inferred types, the
classes, the metric, the served ensemble (weights and configurations in short), the fit's trials and time,
and the versions it was saved with. Built from the fitted model's public attributes; nothing here prints.
"""

from __future__ import annotations

import platform
from collections import Counter
from pathlib import Path
from typing import Any

from autoclf.cli.errors import UserError

#: AutoClassifier parameters worth showing beside the fit's results (how the model was searched for)
SETTINGS = ("time_left", "n_trials", "per_run_time_limit", "memory_limit", "metric", "resampling", "folds",
            "include", "exclude", "ensemble", "ensemble_size", "warm_start", "seed", "n_jobs")
#: trial origin of the model fit serves when no trial succeeded (``autoclf.configspace.origins.Origin``)
FALLBACK_ORIGIN = "fallback"


def read_model(path: str | Path) -> tuple[Any, dict[str, Any]]:
    """(model, header): the AutoClassifier in a file written by ``AutoClassifier.save`` and the versions saved
    beside it. Reads the file once, with the checks of ``AutoClassifier.load`` (which drops the header)."""
    import joblib

    from autoclf.classifier import AutoClassifier
    from autoclf.fitted_api import MODEL_FORMAT

    path = Path(path)
    if not path.is_file():
        raise UserError(f"no such file: {path} (the model file)" if not path.exists() else f"{path} is a folder, "
                        "not a model file")
    try:
        saved = joblib.load(path)
    except Exception as error:  # noqa: BLE001 - a csv, a truncated or a foreign file fails anywhere in pickle
        raise UserError(f"{path} is not an autoclf model file ({type(error).__name__}); `autoclf fit` and "
                        "AutoClassifier.save write one") from error
    header: dict[str, Any] = {}
    if isinstance(saved, dict) and "autoclf_model_format" in saved:
        header = {key: value for key, value in saved.items() if key != "model"}
        if header["autoclf_model_format"] != MODEL_FORMAT:
            raise UserError(f"{path} is an autoclf model in format {header['autoclf_model_format']} (autoclf "
                            f"{header.get('autoclf_version')}); this autoclf reads format {MODEL_FORMAT}")
        saved = saved["model"]
    if not isinstance(saved, AutoClassifier):
        raise UserError(f"{path} holds a {type(saved).__name__}, not an autoclf model; `autoclf fit` and "
                        "AutoClassifier.save write one")
    return saved, header


def describe_model(model: Any, header: dict[str, Any]) -> dict[str, Any]:
    """Everything ``info`` shows, as JSON-ready values (str, int, float, bool, None, lists and dicts)."""
    import sklearn

    from autoclf.version import __version__

    validator = model.validator_
    dataset = validator.info_
    results = list(model.results_)
    trials = [r for r in results if r.origin != FALLBACK_ORIGIN]
    by_id = {r.trial_id: r for r in results}
    params = model.get_params(deep=False)
    return _builtin({
        "versions": {
            "saved_with": {"autoclf": header.get("autoclf_version"), "scikit-learn": header.get("sklearn_version"),
                           "python": header.get("python_version"), "model_format": header.get("autoclf_model_format")},
            "running": {"autoclf": __version__, "scikit-learn": sklearn.__version__,
                        "python": platform.python_version()},
        },
        "schema": {
            "input": "DataFrame" if validator.input_was_dataframe_ else "array (columns matched by position)",
            "target": getattr(validator, "target_name_", None),  # recorded by models fitted on a named y
            "n_features": len(validator.feature_names_in_),
            "features": [{"name": name, "type": kind} for name, kind in validator.input_types().items()],
            "training_rows": dataset.n_rows,
            "had_missing_values": dataset.has_missing,
        },
        "classes": [{"label": label, "training_rows": count}
                    for label, count in zip(model.classes_.tolist(), dataset.class_counts)],
        "metric": {"name": model.metric_.name, "greater_is_better": model.metric_.greater_is_better},
        "fit": {
            "seconds": round(float(model.fit_seconds_), 1),
            "trials": len(trials),
            "statuses": dict(Counter(str(r.status) for r in trials)),
            "resampling": model.resampling_,
            "best_trial": model.best_trial_.trial_id,
            "best_score": model.best_trial_.score,
            "interrupted": bool(getattr(model, "interrupted_", False)),
            "served_fallback": model.best_trial_.origin == FALLBACK_ORIGIN,
            "settings": {name: params.get(name) for name in SETTINGS},
        },
        "ensemble": {
            "kind": model.ensemble_kind_,
            "held_out_loss": model.ensemble_loss_,
            "members": [_member(by_id[trial_id], weight, trial_id in model.refitted_trials_)
                        for trial_id, weight in sorted(model.ensemble_weights_.items(),
                                                       key=lambda item: (-item[1], item[0]))
                        if trial_id in by_id],
        },
    })


def _member(result: Any, weight: float, refit: bool) -> dict[str, Any]:
    components = _components(result.config)
    return {"trial_id": result.trial_id, "weight": round(float(weight), 4), "score": result.score, "refit": refit,
            "origin": str(result.origin), "components": components, "configuration": dict(result.config)}


def _components(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{slot: {"name": component, hyperparameter: value, ...}} from keys ``slot:__choice__`` and
    ``slot:component:hyperparameter`` (``balancing:strategy`` as the slot ``balancing``)."""
    chosen: dict[str, dict[str, Any]] = {}
    for key, value in config.items():
        slot, _, rest = key.partition(":")
        if rest == "__choice__":
            prefix = f"{slot}:{value}:"
            chosen[slot] = {"name": value, **{k[len(prefix):]: v for k, v in config.items() if k.startswith(prefix)}}
    if "balancing:strategy" in config:
        chosen["balancing"] = {"name": config["balancing:strategy"]}
    return chosen


def _builtin(value: Any) -> Any:
    """numpy scalars and arrays as Python values, recursively (json.dumps takes the result as it is)."""
    if isinstance(value, dict):
        return {str(key): _builtin(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_builtin(item) for item in value]
    if hasattr(value, "tolist"):  # numpy scalar or array
        return _builtin(value.tolist())
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


# ------------------------------------------------------------------ text
def render(description: dict[str, Any], path: str | Path) -> str:
    """The description as text for a terminal: a few lines per section."""
    saved, running = description["versions"]["saved_with"], description["versions"]["running"]
    schema, fit, ensemble = description["schema"], description["fit"], description["ensemble"]
    lines = [f"autoclf model {path}"]
    lines.append("  saved with     " + ", ".join(f"{name} {saved[name] or 'not recorded'}"
                                                  for name in ("autoclf", "scikit-learn", "python")))
    differ = [name for name in ("autoclf", "scikit-learn", "python") if saved[name] and saved[name] != running[name]]
    if differ:
        lines.append("  running        " + ", ".join(f"{name} {running[name]}" for name in differ)
                     + "  (differs: predictions may differ)")
    lines.append(f"  metric         {description['metric']['name']}")
    classes = ", ".join(f"{c['label']} ({c['training_rows']})" for c in description["classes"])
    lines.append(f"  classes        {len(description['classes'])}: {classes}  (training rows)")
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(fit["statuses"].items()))
    lines.append(f"  fit            {fit['seconds']:g} s, {fit['trials']} trials ({statuses or 'none'}), "
                 f"{fit['resampling']} resampling" + (", interrupted" if fit["interrupted"] else "")
                 + (", no trial succeeded: serving the fallback model" if fit["served_fallback"] else ""))
    best = fit["best_score"]
    lines.append(f"  best trial     {fit['best_trial']}" + (f" ({description['metric']['name']} {best:.4f})"
                                                             if best is not None else ""))
    defaults = _builtin(_parameter_defaults())
    settings = ", ".join(f"{name}={value}" for name, value in fit["settings"].items() if value != defaults.get(name))
    lines.append(f"  settings       {settings or 'the defaults'}  (AutoClassifier parameters not at their default)")
    target = f"; target: {schema['target']}" if schema["target"] is not None else ""
    lines.append(f"\ncolumns ({schema['n_features']}, {schema['training_rows']} training rows; input: "
                 f"{schema['input']}{target})")
    width = max((len(str(feature["name"])) for feature in schema["features"]), default=0)
    lines += [f"  {feature['name']:<{width}}  {feature['type']}" for feature in schema["features"]]
    loss = ensemble["held_out_loss"]
    lines.append(f"\n{ensemble['kind']} ensemble, {len(ensemble['members'])} member(s)"
                 + (f", held-out loss {loss:.4f}" if loss is not None else ""))
    lines.append(f"  {'weight':>6}  {'trial':>5}  {description['metric']['name'][:10]:>10}  refit  pipeline")
    for member in ensemble["members"]:
        score = "-" if member["score"] is None else f"{member['score']:.4f}"
        lines.append(f"  {member['weight']:6.3f}  {member['trial_id']:5d}  {score:>10}  "
                     f"{'yes' if member['refit'] else 'no':>5}  {_short(member['components'])}")
    return "\n".join(lines)


def _parameter_defaults() -> dict[str, Any]:
    import inspect

    from autoclf.classifier import AutoClassifier

    parameters = inspect.signature(AutoClassifier.__init__).parameters
    return {name: parameter.default for name, parameter in parameters.items() if name != "self"}


def _short(components: dict[str, dict[str, Any]]) -> str:
    """``pca(n_components=0.9) + lightgbm(learning_rate=0.1, ...)``: the feature preprocessor (if any) and
    the classifier with their hyperparameters, then the other slots' choices by name."""
    parts = []
    for slot in ("feature_preprocessor", "classifier"):
        if slot in components and components[slot]["name"] != "no_preprocessing":
            values = {key: value for key, value in components[slot].items() if key != "name"}
            arguments = ", ".join(f"{key}={_value(value)}" for key, value in values.items())
            parts.append(f"{components[slot]['name']}({arguments})")
    others = [f"{slot}={c['name']}" for slot, c in components.items() if slot not in ("feature_preprocessor",
                                                                                          "classifier")]
    return " + ".join(parts) + (f"  [{', '.join(others)}]" if others else "")


def _value(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
