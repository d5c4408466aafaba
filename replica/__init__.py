"""A local replica of the OSCE and INTERPOL news sections, for tests and demos."""
