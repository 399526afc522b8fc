{{/* newsflow.fullname: the release name, or release-chart when the release name lacks "newsflow". */}}
{{- define "newsflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* newsflow.labels: common labels; call with (dict "root" $ "name" "cleaner"). */}}
{{- define "newsflow.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
app.kubernetes.io/part-of: newsflow
{{- with .name }}
app.kubernetes.io/name: {{ . }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* newsflow.selector: the selector labels of one service. */}}
{{- define "newsflow.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* newsflow.image: <registry>/<service>:<tag>; refuses "latest" and empty tags. */}}
{{- define "newsflow.image" -}}
{{- $tag := .root.Values.image.tag | toString -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail "image.tag must be a pinned version, not empty or \"latest\"" -}}
{{- end -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .name $tag -}}
{{- end -}}

{{/* newsflow.podSecurityContext and newsflow.containerSecurityContext: the restricted profile. */}}
{{- define "newsflow.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}
{{- define "newsflow.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* newsflow.redisEnv: the Redis URL from the existing Secret. */}}
{{- define "newsflow.redisEnv" -}}
- name: NEWSFLOW_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.existingSecret is required" .Values.redis.existingSecret }}
      key: {{ .Values.redis.secretKey }}
{{- end -}}

{{/* newsflow.stages: the consumer stages with their input topics, as "name=topic" pairs. */}}
{{- define "newsflow.kafkaUser" -}}
{{- printf "%s-%s" (include "newsflow.fullname" .root) .name -}}
{{- end -}}
