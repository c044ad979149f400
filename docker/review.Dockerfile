# leukostream review on a JVM base, Quarkus fast-jar layout.
# Build (from the repository root, after the jar is built):
#   ./mvnw -B -pl services/review -am package -DskipTests
#   docker build -f docker/review.Dockerfile -t leukostream/review:0.1.0 .
# Run:
#   docker run --rm -p 8085:8085 -e QUARKUS_KAFKA_STREAMS_BOOTSTRAP_SERVERS=kafka:9092 \
#     -e KAFKA_STREAMS_SCHEMA_REGISTRY_URL=http://registry:8081 -e LEUKOSTREAM_REVIEW_BRIDGE_URL=http://ehr-bridge:8084 \
#     leukostream/review:0.1.0
FROM eclipse-temurin:17-jre-jammy

# Non-root user with a fixed uid, so Kubernetes can check runAsNonRoot.
RUN groupadd --system --gid 10001 leukostream \
    && useradd --system --uid 10001 --gid leukostream --home-dir /deployments --shell /usr/sbin/nologin leukostream
WORKDIR /deployments

# Quarkus fast-jar: dependencies first (they change least), then the application.
COPY --chown=10001:10001 services/review/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=10001:10001 services/review/target/quarkus-app/quarkus-run.jar /deployments/
COPY --chown=10001:10001 services/review/target/quarkus-app/app/ /deployments/app/
COPY --chown=10001:10001 services/review/target/quarkus-app/quarkus/ /deployments/quarkus/

# Kafka Streams state of the review view (rebuilt from the changelogs when the pod moves).
ENV KAFKA_STREAMS_STATE_DIR=/deployments/state
RUN mkdir -p /deployments/state && chown 10001:10001 /deployments/state

# Heap sized from the container's memory limit; 70% leaves the rest for  metaspace and threads.
ENV JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"

USER 10001
EXPOSE 8085
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8085 && printf 'GET /q/health/live HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
