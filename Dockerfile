# The one image behind compose.yaml's api and worker services.
FROM python:3.11-slim
WORKDIR /app
# The locked dependencies first, in a layer of their own that a change to the code does not rebuild.
COPY requirements/runtime.txt ./requirements/
RUN pip install --no-cache-dir -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY attribution ./attribution
COPY service ./service
COPY workers ./workers
COPY whosaid ./whosaid
RUN pip install --no-cache-dir --no-deps . && useradd --create-home whosaid
USER whosaid
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "8", "service:create_app()"]
