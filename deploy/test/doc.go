// Package deploytest checks newsflow's deployment files: the Dockerfile (parsed with
// BuildKit's parser), and the rendered Kubernetes objects of every kustomize overlay and
// of the Helm chart (policy, cross-references, Helm/kustomize parity, and submission to a
// real kube-apiserver with planted errors that it must reject).
//
// The rendering, the tools and the API server come from deploy/test/test-deploy.sh
// (`make test-deploy`), which sets NEWSFLOW_RENDER_DIR, KUBECONFIG and NEWSFLOW_KUBECTL;
// without them only the Dockerfile test runs and the others skip, saying why.
package deploytest
