# The Mizan service: a release build on Debian, run as an unprivileged user.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin mizan

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /srv/mizan mizan
WORKDIR /srv/mizan
COPY --from=build /src/target/release/mizan /usr/local/bin/mizan
COPY data/*.toml data/
USER mizan
ENV MIZAN_BIND=0.0.0.0:8080 MIZAN_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["mizan"]
CMD ["serve"]
