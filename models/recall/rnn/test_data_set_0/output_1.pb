BaccuracyJ=
×>