
BaJ0E¸E2e¼G@ÿ8<YBƒÅ›;v½gA7¤4*=sÁG¹n·Â·	A]´'¿iB C8À