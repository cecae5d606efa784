package courses

// FrenchSpacingForTest exposes frenchSpacing to the external tests.
var FrenchSpacingForTest = frenchSpacing
