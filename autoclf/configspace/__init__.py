"""Search space: registry -> one conditional ConfigurationSpace; Configuration -> scikit-learn pipeline."""
