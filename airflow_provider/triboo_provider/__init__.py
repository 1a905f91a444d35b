"""Apache Airflow provider for Triboo, the Learning Tribes learning platform."""

__version__ = "0.1.0"
