
BBJ¾6-0G¶C´o´Y.