(
BxJPzU”YяUјOIX8W“ViЬ9\WФpЩЎФРZДЪ•Y·ЩсРTYj\rСoЬnЬ%ZЭЫ.\"\ћX™Щ(\‚Ф®Ь/ЩAЫбРE\пNjЬvЩkY—V