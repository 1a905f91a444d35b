"""Triboo operators. Modules import only Airflow's SDK at parse time; the hook, the
generated client and pyarrow are imported when a task runs."""
