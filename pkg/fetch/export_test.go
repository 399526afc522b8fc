package fetch

// NextInterval exposes nextInterval to the external tests.
var NextInterval = nextInterval
