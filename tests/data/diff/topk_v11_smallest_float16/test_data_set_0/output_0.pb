
BvaluesJÀ™¾½Ð¸­ÁA¾>¾o½