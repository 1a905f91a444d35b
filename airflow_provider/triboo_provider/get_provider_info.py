"""Provider metadata for Airflow (the ``apache_airflow_provider`` entry point): a literal."""

from __future__ import annotations

from typing import Any


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-provider-triboo",
        "name": "Triboo",
        "description": "Triboo, the Learning Tribes learning platform: user lifecycle, "
        "bulk enrollment and progress exports.",
        "versions": ["0.1.0"],
        "integrations": [
            {
                "integration-name": "Triboo",
                "external-doc-url": "https://www.learning-tribes.com/",
                "tags": ["service"],
            }
        ],
        "hooks": [
            {"integration-name": "Triboo", "python-modules": ["triboo_provider.hooks.triboo"]}
        ],
        "operators": [
            {
                "integration-name": "Triboo",
                "python-modules": [
                    "triboo_provider.operators.users",
                    "triboo_provider.operators.enrollments",
                    "triboo_provider.operators.reports",
                    "triboo_provider.operators.sync_users",
                ],
            }
        ],
        "connection-types": [
            {
                "connection-type": "triboo",
                "hook-class-name": "triboo_provider.hooks.triboo.TribooHook",
                "hook-name": "Triboo",
                # Host, schema and port as in Airflow's HTTP connection: host a base URL or a
                # bare host, schema the URL scheme, port optional (an empty port is sent as 0).
                # No name or label here may match Airflow's sensitive-name rule but the
                # password's (tests/provider/test_connection_form.py).
                "ui-field-behaviour": {
                    "hidden-fields": [],
                    "relabeling": {
                        "host": "Base URL",
                        "schema": "Schema (http or https)",
                        "login": "Client ID",
                        "password": "Client secret",
                    },
                    "placeholders": {
                        "host": "https://acme.learning-tribes.com",
                        "schema": "https, or the Base URL's",
                        "port": "the scheme's default",
                        "login": "OAuth2 client id",
                        "password": "OAuth2 client secret",
                    },
                },
                # Every number has a minimum and a maximum: settings.py checks them, so no
                # value reaches a socket timeout or a sleep that overflows.
                "conn-fields": {
                    "oauth2_path": {
                        "label": "OAuth2 endpoint path",
                        "description": "Path of the OAuth2 token endpoint on the Base URL's "
                        "host (formerly the extra token_path).",
                        "schema": {"type": "string", "default": "/oauth2/access_token"},
                    },
                    "timeout": {
                        "label": "Timeout (s)",
                        "description": "Timeout of each HTTP request, in seconds.",
                        "schema": {"type": "number", "default": 60, "minimum": 1, "maximum": 3600},
                    },
                    "verify_ssl": {
                        "label": "Verify TLS certificates",
                        "description": "Turning this off is logged as a warning on every run.",
                        "schema": {"type": "boolean", "default": True},
                    },
                    "page_size": {
                        "label": "Page size",
                        "description": "Results per page of list calls (the server caps at 1000).",
                        "schema": {
                            "type": "integer",
                            "default": 1000,
                            "minimum": 1,
                            "maximum": 1000,
                        },
                    },
                    "users_per_minute": {
                        "label": "Users calls per minute",
                        "description": "Client-side budget; the server allows 20. 0 turns it off.",
                        "schema": {
                            "type": "integer",
                            "default": 20,
                            "minimum": 0,
                            "maximum": 10000,
                        },
                    },
                    "reports_per_minute": {
                        "label": "Report and course calls per minute",
                        "description": "Client-side budget; the server allows 10. 0 turns it off.",
                        "schema": {
                            "type": "integer",
                            "default": 10,
                            "minimum": 0,
                            "maximum": 10000,
                        },
                    },
                    "bulk_enroll_per_minute": {
                        "label": "Bulk enroll calls per minute",
                        "description": "Client-side budget; the server allows 120. 0 turns it off.",
                        "schema": {
                            "type": "integer",
                            "default": 120,
                            "minimum": 0,
                            "maximum": 10000,
                        },
                    },
                    "rate_window_seconds": {
                        "label": "Rate window (s)",
                        "description": "Length of the budget's minute (60; smaller for a "
                        "time-scaled sandbox).",
                        "schema": {
                            "type": "number",
                            "default": 60,
                            "minimum": 0.1,
                            "maximum": 3600,
                        },
                    },
                    "rate_limit_store": {
                        "label": "Rate-limit store",
                        "description": "Where the API user's request history is shared. Empty: "
                        "a SQLite file in a per-user temp directory (every task of this "
                        "machine); sqlite:///<absolute path>; local (this process only); "
                        "redis://host:6379/0 (every worker; needs the [redis] extra).",
                        # null too: the form sends an emptied text field as null, and a
                        # bare "string" would keep it from saving.
                        "schema": {"type": ["string", "null"], "default": ""},
                    },
                    "max_retries": {
                        "label": "Max retries",
                        "description": "Retries of a failed safe call (errors, 5xx, 429).",
                        "schema": {"type": "integer", "default": 5, "minimum": 0, "maximum": 20},
                    },
                    "retry_max_wait": {
                        "label": "Max wait between retries (s)",
                        "schema": {"type": "number", "default": 120, "minimum": 0, "maximum": 3600},
                    },
                    "retry_after_max": {
                        "label": "Longest Retry-After honoured (s)",
                        "description": "A 429 or 503 asking to wait longer fails the call "
                        "at once, for the task's own retry.",
                        "schema": {"type": "number", "default": 600, "minimum": 0, "maximum": 3600},
                    },
                },
            }
        ],
    }
