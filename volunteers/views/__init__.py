"""The volunteer service's pages (``volunteers.urls``), by whom they serve."""
