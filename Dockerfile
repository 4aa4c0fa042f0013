# eldermode's reverse proxy as a container: Debian (bookworm) with espeak-ng for 朗读, run as a non-root user.
#
#   docker build -t eldermode .
#   docker run -d -p 8000:8000 -e ELDERMODE_UPSTREAM=https://www.example.gov.cn \
#       -e ELDERMODE_SECRET=change-me -v eldermode-cache:/var/cache/eldermode eldermode
#
# Put the TLS terminator in front (deploy/nginx-eldermode.conf) and set ELDERMODE_TRUSTED_PROXIES to
# its address, so X-Forwarded-Proto/-For are believed. Settings are ELDERMODE_* variables or a TOML
# file mounted at /etc/eldermode/eldermode.toml (ELDERMODE_CONFIG). tests/test_infra_deploy.py runs
# these steps as a script where no container engine is available.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# espeak-ng: the speech engine (pyttsx3 drives its library); sox with the MP3/Ogg formats: audio downloads.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng libespeak-ng1 sox libsox-fmt-mp3 \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /var/cache/eldermode --create-home \
        --shell /usr/sbin/nologin eldermode

WORKDIR /src
COPY pyproject.toml README.md ./
COPY middleware middleware
COPY transforms transforms
COPY voices voices
COPY examples/site examples/site
RUN pip install '.[proxy,tts,redis,metrics]' && rm -rf /src

WORKDIR /var/cache/eldermode
USER eldermode
ENV ELDERMODE_LISTEN=0.0.0.0:8000 \
    ELDERMODE_CACHE_DIR=/var/cache/eldermode \
    ELDERMODE_METRICS_ALLOW=127.0.0.1
VOLUME /var/cache/eldermode
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/__eldermode/health', timeout=4).status != 200)"]
ENTRYPOINT ["eldermode"]
CMD ["proxy"]
