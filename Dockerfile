# rectrack worker image (docker-compose.yml builds it as the `worker` service).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . /app
RUN pip install . \
    && useradd --system --uid 10001 --create-home --home-dir /var/lib/rectrack rectrack

USER rectrack
ENV RECTRACK_HOME=/var/lib/rectrack
WORKDIR /var/lib/rectrack

CMD ["rectrack", "worker"]
