"""Operations: the health check (`/healthz`), the worker's heartbeat and Prometheus' `/metrics`."""
