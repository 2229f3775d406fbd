"""The top floor: tools built on the library, for people who run it rather than call it.

``benchmark`` races autoclf against baselines and other AutoML systems, ``metadb`` rebuilds the shipped
meta-database from real searches, ``sources`` reads OpenML data (the ``openml`` package or a local mirror)
for both. They may import anything in ``autoclf``; nothing in the library imports them (the layer contract
in pyproject.toml, checked by tests/test_architecture.py).
"""
