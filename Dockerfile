# crm-hub on Airflow 3: the project and its locked dependencies installed into the image.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/crmhub/venv \
    PATH=/opt/crmhub/venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/crmhub/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 50000 airflow \
    && mkdir -p /opt/airflow /opt/crmhub /data \
    && chown airflow /opt/airflow /data

WORKDIR /opt/crmhub
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-install-project --extra airflow --no-dev
COPY core core
COPY connectors connectors
COPY mappings mappings
COPY quality quality
COPY mdm mdm
COPY pipeline pipeline
COPY crmhub crmhub
COPY dags dags
RUN uv sync --locked --extra airflow --no-dev --no-editable

USER airflow
EXPOSE 8080
CMD ["airflow", "api-server"]
