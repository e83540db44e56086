"""A centre's own date format (FORMAT_MODULE_PATH), for tests/core/test_date_filter.py."""

SHORT_DATE_FORMAT = "Y.m.d"
