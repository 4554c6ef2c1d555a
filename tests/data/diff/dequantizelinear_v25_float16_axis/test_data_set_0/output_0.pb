
ByJÕTÏB#LN©T¥QiMRrHFNbM*T