package sqlstore

// ErasureTablesForTest is what an erasure does with each table.
var ErasureTablesForTest = erasureTables

// Masking functions of the erasure, for tests.
var (
	MaskValuesForTest      = maskValues
	MaskJSONStringsForTest = maskJSONStrings
	MaskedForTest          = masked
)
