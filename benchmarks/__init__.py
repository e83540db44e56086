"""The benchmark behind `manage.py benchmark`: synthetic data, page and PDF timings, load over gunicorn."""
