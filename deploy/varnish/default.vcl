# The cache in front of the tracker: the app servers (origin.vcl) and how each answer is kept (tracker.vcl).
vcl 4.1;

import directors;

include "origin.vcl";
include "tracker.vcl";
