# leukostream detector on a JVM base, Quarkus fast-jar layout.
# Build (from the repository root, after the jar is built):
#   ./mvnw -B -pl services/detector -am package -DskipTests
#   docker build -f docker/detector.Dockerfile -t leukostream/detector:0.1.0 .
# Run:
#   docker run --rm -p 8085:8085 -e KAFKA_BOOTSTRAP_SERVERS=kafka:9092 \
#     -e SCHEMA_REGISTRY_URL=http://registry:8081 leukostream/detector:0.1.0
FROM eclipse-temurin:17-jre-jammy

# Non-root user with a fixed uid, so Kubernetes can check runAsNonRoot.
RUN groupadd --system --gid 10001 leukostream \
    && useradd --system --uid 10001 --gid leukostream --home-dir /deployments --shell /usr/sbin/nologin leukostream
WORKDIR /deployments

# Quarkus fast-jar: dependencies first (they change least), then the application.
COPY --chown=10001:10001 services/detector/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=10001:10001 services/detector/target/quarkus-app/quarkus-run.jar /deployments/
COPY --chown=10001:10001 services/detector/target/quarkus-app/app/ /deployments/app/
COPY --chown=10001:10001 services/detector/target/quarkus-app/quarkus/ /deployments/quarkus/

# LibTorch comes from the pytorch-native-cpu jar and unpacks here on first start; nothing is downloaded.
ENV DJL_CACHE_DIR=/deployments/djl-cache \
    DJL_OFFLINE=true
RUN mkdir -p /deployments/djl-cache && chown 10001:10001 /deployments/djl-cache

# Heap sized from the container's memory limit; 50% leaves the rest for LibTorch's native tensors, metaspace and threads.
ENV JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"

USER 10001
EXPOSE 8085
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8085 && printf 'GET /q/health/live HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
