"""Routes for badges, the embed script and the bookmarklet."""

from fastapi import APIRouter

router = APIRouter()
