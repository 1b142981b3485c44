FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --system --create-home --uid 10001 openness

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-default-groups --no-install-project

COPY . .
RUN mkdir -p var && SECRET_KEY=build python manage.py collectstatic --noinput \
    && chown -R openness:openness var

USER openness
EXPOSE 8000
CMD ["gunicorn", "openness.wsgi", "--config", "gunicorn.conf.py"]
