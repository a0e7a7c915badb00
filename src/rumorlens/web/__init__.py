"""The dashboard: server-rendered pages over the same ``Service`` the REST API uses."""
