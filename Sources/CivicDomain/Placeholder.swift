enum _PlaceholderCivicDomain {}
