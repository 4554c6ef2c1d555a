
ByJüEGBOจKpยา4