enum _PlaceholderLedgerStore {}
