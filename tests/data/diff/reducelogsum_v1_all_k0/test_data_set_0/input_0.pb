BxJAªÁ>²žE@×#c@uIA@‹z
@n¦?@