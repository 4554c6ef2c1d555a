B	initial_hJH!cþ»>w¹¾ÝL
¾ãdî¾ð¾¿V&><hš¿òž€¿S¼>JI«>j=.>!É¸¾jØ8¿#Æ$?ºu¾Krf?yö½?iß¾