BaJoærŒÇ
