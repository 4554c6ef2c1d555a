
BxJ$É&É¼¸ÉXJçÅM½oKHH,B‚¾{HLLÍÇÊÆUÊ–D