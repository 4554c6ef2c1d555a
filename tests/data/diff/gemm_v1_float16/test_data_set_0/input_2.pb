
BcJO5y?MAf=¾&¼