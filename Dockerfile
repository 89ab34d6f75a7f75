# The one image behind compose.yaml's api and worker services.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY attribution ./attribution
COPY service ./service
COPY workers ./workers
COPY whosaid ./whosaid
RUN pip install --no-cache-dir . && useradd --create-home whosaid
USER whosaid
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "8", "service:create_app()"]
