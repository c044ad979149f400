# leukostream classifier, CUDA variant: the GPU build of LibTorch instead of the CPU one.
# Build (from the repository root, after the jar is built; the image build downloads LibTorch 2.7.1+cu128
# from download.pytorch.org once, at build time - the running container downloads nothing):
#   ./mvnw -B -pl services/classifier -am package -DskipTests
#   docker build -f docker/classifier-cuda.Dockerfile -t leukostream/classifier:0.1.0-cuda .
# Run (NVIDIA Container Toolkit):
#   docker run --rm --gpus 1 -p 8086:8086 -e KAFKA_BOOTSTRAP_SERVERS=kafka:9092 \
#     -e SCHEMA_REGISTRY_URL=http://registry:8081 -e LEUKOSTREAM_CLASSIFIER_DEVICE=cuda \
#     leukostream/classifier:0.1.0-cuda
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04 AS libtorch
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl unzip \
    && curl -fsSL -o /tmp/libtorch.zip \
       "https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip" \
    && unzip -q /tmp/libtorch.zip -d /opt && rm /tmp/libtorch.zip

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 leukostream \
    && useradd --system --uid 10001 --gid leukostream --home-dir /deployments --shell /usr/sbin/nologin leukostream
WORKDIR /deployments
COPY --from=libtorch /opt/libtorch/lib/ /opt/libtorch/lib/

COPY --chown=10001:10001 services/classifier/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=10001:10001 services/classifier/target/quarkus-app/quarkus-run.jar /deployments/
COPY --chown=10001:10001 services/classifier/target/quarkus-app/app/ /deployments/app/
COPY --chown=10001:10001 services/classifier/target/quarkus-app/quarkus/ /deployments/quarkus/
# The CPU engine must not be found: DJL would load it instead of the CUDA LibTorch below.
RUN rm -f /deployments/lib/main/ai.djl.pytorch.pytorch-native-cpu-*.jar

# DJL loads the CUDA LibTorch from PYTORCH_LIBRARY_PATH (JNI bridge from pytorch-jni 2.7.1-0.35.1).
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    DJL_CACHE_DIR=/deployments/djl-cache \
    DJL_OFFLINE=true \
    LEUKOSTREAM_CLASSIFIER_DEVICE=cuda
RUN mkdir -p /deployments/djl-cache && chown 10001:10001 /deployments/djl-cache

# GPU tensors live in GPU memory; the heap still leaves room for pinned host buffers.
ENV JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=40 -XX:InitialRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"

USER 10001
EXPOSE 8086
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8086 && printf 'GET /q/health/live HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
