# The rectrack image. docker-compose.yml runs it three ways, with the same settings: the
# one-shot `rectrack-setup` job (`rectrack temporal setup`: namespace, search attributes,
# store schema), the `worker` (scaled with `--scale worker=N`) and the `api`.
#
# Two stages: the first installs the project into a virtualenv, the second copies only
# that virtualenv onto a clean base, so the image carries no build context. The base is
# pinned to an exact Python release; it runs as uid 10001, never root, with RECTRACK_HOME
# (evidence files, by default) on a volume that user owns.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/rectrack
WORKDIR /src
# The build context (see .dockerignore): the project's packages and pyproject.toml.
COPY . /src
RUN /opt/rectrack/bin/pip install /src

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/rectrack/bin:$PATH \
    RECTRACK_HOME=/var/lib/rectrack
RUN groupadd --system --gid 10001 rectrack \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/rectrack \
        --no-create-home --shell /usr/sbin/nologin rectrack \
    && install --directory --owner 10001 --group 10001 --mode 0750 /var/lib/rectrack
COPY --from=build /opt/rectrack /opt/rectrack

USER 10001:10001
WORKDIR /var/lib/rectrack
# A named volume mounted here starts as a copy of this directory: owned by uid 10001.
VOLUME ["/var/lib/rectrack"]
CMD ["rectrack", "worker"]
