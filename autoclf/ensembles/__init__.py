"""Ensembles over the run store's trials."""
