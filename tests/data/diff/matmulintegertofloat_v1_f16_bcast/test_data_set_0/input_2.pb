
Ba_scaleJÒ &%