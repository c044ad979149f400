{{/* Names and labels. */}}
{{- define "leukostream.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "leukostream.name" -}}
{{- printf "%s-%s" (include "leukostream.fullname" .root) .component -}}
{{- end -}}

{{- define "leukostream.selectorLabels" -}}
app.kubernetes.io/name: leukostream
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "leukostream.labels" -}}
{{ include "leukostream.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: leukostream
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "leukostream.image" -}}
{{- printf "%s/%s:%s%s" .root.Values.image.registry .component .root.Values.image.tag (.suffix | default "") -}}
{{- end -}}

{{/*
Kafka client properties under a prefix ("kafka." for SmallRye channels, "kafka-streams." for Streams).
Secret values are placeholders for environment variables filled from Secrets (see leukostream.kafkaEnv).
*/}}
{{- define "leukostream.kafkaProperties" -}}
{{- $k := .root.Values.kafka -}}
{{ .prefix }}security.protocol={{ $k.securityProtocol }}
{{- if ne $k.securityProtocol "PLAINTEXT" }}
{{ .prefix }}ssl.truststore.type=PKCS12
{{ .prefix }}ssl.truststore.location=/etc/leukostream/kafka-ca/{{ $k.tls.truststoreKey }}
{{ .prefix }}ssl.truststore.password=${KAFKA_TRUSTSTORE_PASSWORD}
{{- end }}
{{- if eq $k.securityProtocol "SASL_SSL" }}
{{ .prefix }}sasl.mechanism={{ $k.sasl.mechanism }}
{{ .prefix }}sasl.jaas.config=${KAFKA_SASL_JAAS_CONFIG}
{{- end }}
{{- if eq $k.securityProtocol "SSL" }}
{{ .prefix }}ssl.keystore.type=PKCS12
{{ .prefix }}ssl.keystore.location=/etc/leukostream/kafka-user/{{ $k.tls.keystoreKey }}
{{ .prefix }}ssl.keystore.password=${KAFKA_KEYSTORE_PASSWORD}
{{- end }}
{{- end -}}

{{/*
HTTPS only on the service's port with the certificate of its tls.secretName (mounted at /etc/leukostream/tls), and a
request forwarded between replicas over https, with the caller's token, trusting the Secret's ca.crt.
*/}}
{{- define "leukostream.httpsOnly" -}}
# HTTPS only, also between replicas (a forwarded request carries the caller's token).
quarkus.http.ssl.certificate.files=/etc/leukostream/tls/tls.crt
quarkus.http.ssl.certificate.key-files=/etc/leukostream/tls/tls.key
quarkus.http.ssl-port={{ .port }}
quarkus.http.port=0
quarkus.http.insecure-requests=disabled
{{ .forwarding }}scheme=https
{{ .forwarding }}trusted-certificates=/etc/leukostream/tls/ca.crt
{{- end -}}

{{/* The registry's trust store under a serde prefix, when a private CA signed its certificate. */}}
{{- define "leukostream.registryTrust" -}}
{{- $t := .root.Values.schemaRegistry.tls -}}
{{- if $t.truststoreSecret }}
{{ .prefix }}schema.registry.ssl.truststore.location=/etc/leukostream/registry-ca/{{ $t.truststoreKey }}
{{ .prefix }}schema.registry.ssl.truststore.password=${SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD}
{{ .prefix }}schema.registry.ssl.truststore.type=PKCS12
{{- end }}
{{- end -}}

{{/* The Secret with a workload's Kafka credentials: its own KafkaUser's with kafka.users.create, else the shared one. */}}
{{- define "leukostream.kafkaUserSecret" -}}
{{- $k := .Values.kafka -}}
{{- if $k.users.create -}}
{{ .name }}
{{- else if eq $k.securityProtocol "SSL" -}}
{{ $k.tls.keystoreSecret }}
{{- else -}}
{{ $k.sasl.secretName }}
{{- end -}}
{{- end -}}

{{/* The SCRAM user name of a workload: its KafkaUser's with kafka.users.create, else kafka.sasl.username. */}}
{{- define "leukostream.kafkaUserName" -}}
{{- if .Values.kafka.users.create -}}
{{ .name }}
{{- else -}}
{{ .Values.kafka.sasl.username }}
{{- end -}}
{{- end -}}

{{/* Environment variables from Secrets for the Kafka and registry credentials (dict: Values, name). */}}
{{- define "leukostream.kafkaEnv" -}}
{{- $k := .Values.kafka -}}
{{- if ne $k.securityProtocol "PLAINTEXT" }}
- name: KAFKA_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $k.tls.truststoreSecret }}, key: {{ $k.tls.truststorePasswordKey }}}
{{- end }}
{{- if eq $k.securityProtocol "SASL_SSL" }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef: {name: {{ include "leukostream.kafkaUserSecret" . }}, key: {{ $k.sasl.jaasConfigKey }}}
{{- with include "leukostream.kafkaUserName" . }}
# Not secret: KEDA's TriggerAuthentication reads the user name from here for the lag query.
- name: KAFKA_SASL_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if eq $k.securityProtocol "SSL" }}
- name: KAFKA_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ include "leukostream.kafkaUserSecret" . }}, key: {{ $k.tls.keystorePasswordKey }}}
{{- end }}
{{- if .Values.schemaRegistry.tls.truststoreSecret }}
- name: SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.schemaRegistry.tls.truststoreSecret }}, key: {{ .Values.schemaRegistry.tls.truststorePasswordKey }}}
{{- end }}
{{- if .Values.schemaRegistry.basicAuthSecret }}
- name: SCHEMA_REGISTRY_USER_INFO
  valueFrom:
    secretKeyRef: {name: {{ .Values.schemaRegistry.basicAuthSecret }}, key: user-info}
{{- end }}
{{- end -}}

{{/* Volumes with the Kafka CA truststore (and the mTLS keystore). */}}
{{- define "leukostream.kafkaVolumes" -}}
{{- $k := .Values.kafka -}}
- name: config
  configMap:
    name: {{ .name }}
- name: tmp
  emptyDir: {}
{{- if ne $k.securityProtocol "PLAINTEXT" }}
- name: kafka-ca
  secret:
    secretName: {{ $k.tls.truststoreSecret }}
{{- end }}
{{- with .Values.schemaRegistry.tls.truststoreSecret }}
- name: registry-ca
  secret:
    secretName: {{ . }}
{{- end }}
{{- if eq $k.securityProtocol "SSL" }}
- name: kafka-user
  secret:
    secretName: {{ include "leukostream.kafkaUserSecret" . }}
{{- end }}
{{- end -}}

{{- define "leukostream.kafkaMounts" -}}
{{- $k := .Values.kafka -}}
- name: config
  mountPath: /deployments/config
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if ne $k.securityProtocol "PLAINTEXT" }}
- name: kafka-ca
  mountPath: /etc/leukostream/kafka-ca
  readOnly: true
{{- end }}
{{- if .Values.schemaRegistry.tls.truststoreSecret }}
- name: registry-ca
  mountPath: /etc/leukostream/registry-ca
  readOnly: true
{{- end }}
{{- if eq $k.securityProtocol "SSL" }}
- name: kafka-user
  mountPath: /etc/leukostream/kafka-user
  readOnly: true
{{- end }}
{{- end -}}

{{/* Probes on the Quarkus health endpoints. */}}
{{- define "leukostream.probes" -}}
{{- $scheme := ternary "HTTPS" "HTTP" (not (empty (dig "tls" "secretName" "" .svc))) -}}
startupProbe:
  httpGet: {path: /q/health/started, port: http, scheme: {{ $scheme }}}
  periodSeconds: 5
  failureThreshold: 60
readinessProbe:
  httpGet: {path: /q/health/ready, port: http, scheme: {{ $scheme }}}
  periodSeconds: 10
  failureThreshold: 3
livenessProbe:
  httpGet: {path: /q/health/live, port: http, scheme: {{ $scheme }}}
  periodSeconds: 15
  failureThreshold: 4
{{- end -}}

{{/* The pod template shared by every service; .component, .svc (its values), .extraEnv, .extraVolumes... */}}
{{- define "leukostream.podSpec" -}}
{{- $root := .root -}}
{{- $name := include "leukostream.name" . -}}
{{- with $root.Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
serviceAccountName: {{ $name }}
# No service uses the Kubernetes API: no token in the pod.
automountServiceAccountToken: false
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: 75
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .component }}
    image: {{ include "leukostream.image" (dict "root" $root "component" .component "suffix" .suffix) }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    ports:
      - {name: http, containerPort: {{ .svc.port }}, protocol: TCP}
    env:
      - name: LEUKOSTREAM_CONFIG_CHECKSUM
        value: {{ .checksum | quote }}
      {{- include "leukostream.kafkaEnv" (dict "Values" $root.Values "name" $name) | nindent 6 }}
      {{- if $root.Values.tracing.enabled }}
      # Spans over OTLP (gRPC); the trace context travels in the record headers either way.
      - name: LEUKOSTREAM_TRACING_DISABLED
        value: "false"
      - name: OTEL_EXPORTER_OTLP_ENDPOINT
        value: {{ $root.Values.tracing.otlpEndpoint | quote }}
      - name: LEUKOSTREAM_TRACING_SAMPLE_RATIO
        value: {{ $root.Values.tracing.sampleRatio | quote }}
      {{- end }}
      {{- with .extraEnv }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    {{- include "leukostream.probes" . | nindent 4 }}
    resources:
      {{- toYaml .resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.containerSecurityContext | nindent 6 }}
    volumeMounts:
      {{- include "leukostream.kafkaMounts" $root | nindent 6 }}
      {{- with .extraMounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  {{- include "leukostream.kafkaVolumes" (dict "Values" $root.Values "name" $name) | nindent 2 }}
  {{- with .extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}
