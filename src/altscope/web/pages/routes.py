"""Routes for the server-rendered pages."""

from fastapi import APIRouter

router = APIRouter()
