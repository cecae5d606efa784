package store

// ProviderFor lets the external tests (package store_test, which may import storetest)
// run the migrations of one dialect step by step.
var ProviderFor = providerFor
