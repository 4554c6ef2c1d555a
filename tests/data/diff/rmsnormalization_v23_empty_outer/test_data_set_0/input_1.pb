BscaleJmÝ™?ŸF¦¿)Àg
?