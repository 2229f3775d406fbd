"""Rebuilding the shipped meta-database (``autoclf metadb rebuild``): a real cold search per data set
(``search``), meta-features, a dense performance matrix (``matrix``), run in a process pool (``jobs``) and
assembled into the file ``autoclf.metalearning.database`` reads (``rebuild``)."""
