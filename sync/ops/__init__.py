"""What an operator watches: `/healthz` and `/readyz` for a load balancer or a monitor, the
heartbeats of the Celery worker and beat processes behind them, and `/metrics` in Prometheus' format
(docs/operations.md, "Watching it")."""
