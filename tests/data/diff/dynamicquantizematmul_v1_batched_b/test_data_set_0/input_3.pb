Bb_zero_pointJ
þþüüÿ